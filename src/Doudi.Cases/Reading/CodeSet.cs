using Doudi.Policy.Vocabulary;

namespace Doudi.Cases.Reading;

/// <summary>
/// The snake_case codes of one glossary enum, looked up from a span so a bill's <c>kind</c> costs no string.
/// <paramref name="except"/> names a member that has no code in case files (its absence is written as null).
/// </summary>
internal sealed class CodeSet<T> where T : struct, Enum
{
    private readonly Dictionary<string, T> _byCode;
    private readonly Dictionary<string, T>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public CodeSet(string whatZh, string whatEn, T? except = null)
    {
        WhatZh = whatZh;
        WhatEn = whatEn;
        _byCode = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var value in Enum.GetValues<T>())
        {
            if (except is { } skip && EqualityComparer<T>.Default.Equals(value, skip)) continue;
            _byCode.Add(Codes.ToCode(value), value);
        }
        _lookup = _byCode.GetAlternateLookup<ReadOnlySpan<char>>();
        Known = _byCode.Keys.ToArray();
    }

    public string WhatZh { get; }
    public string WhatEn { get; }
    public IReadOnlyList<string> Known { get; }

    public bool TryGet(ReadOnlySpan<char> code, out T value) => _lookup.TryGetValue(code, out value);
}

/// <summary>The code sets of case files, with the names staff know them by.</summary>
internal static class CaseCodes
{
    public static readonly CodeSet<Category> Category = new("救助对象类别", "category");
    public static readonly CodeSet<InsuranceType> Insurance = new("参保类型", "insurance type");
    public static readonly CodeSet<BillKind> BillKind = new("就诊类型", "bill kind");
    public static readonly CodeSet<Exclusion> Exclusion = new("不予救助情形", "exclusion", Policy.Vocabulary.Exclusion.None);
    public static readonly CodeSet<ItemKind> ItemKind = new("项目类型", "item kind");
    public static readonly CodeSet<ItemClass> ItemClass = new("项目分类", "item class", Policy.Vocabulary.ItemClass.None);
}
