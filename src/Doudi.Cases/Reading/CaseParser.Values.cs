using System.Text.Json;
using Doudi.Cases.Json;

namespace Doudi.Cases.Reading;

// Readers for one value each. The cursor is on the value's token; on a problem it is reported at
// the field's path, the value is skipped, and the reader returns false.
internal sealed partial class CaseParser
{
    /// <summary>
    /// No medical bill comes near a trillion yuan; a larger number is a data error, and refusing it keeps sums of a
    /// bill's amounts (and the engine's arithmetic) far from decimal's range.
    /// </summary>
    private const decimal MaxAmount = 999_999_999_999.99m;

    /// <summary>A non-empty string (ids, region).</summary>
    private bool ReadId(ref JsonCursor c, string field, out string value)
    {
        value = "";
        if (c.TokenType != JsonTokenType.String) return Wrong(ref c, field, CaseMessages.NotString(Shown(ref c)));
        value = c.GetString()!;
        if (value.Length == 0) { Problem(field, CaseMessages.EmptyString); return false; }
        return true;
    }

    /// <summary>A string short enough to look up without allocating (codes, dates, person references).</summary>
    private bool TryShortText(ref JsonCursor c, out ReadOnlySpan<char> text)
    {
        // Unescaping and transcoding never make more chars than there were bytes.
        if (c.ValueSpan.Length > _text.Length) { text = default; return false; }
        text = _text.AsSpan(0, c.CopyString(_text));
        return true;
    }

    /// <summary>
    /// A yuan amount: a JSON number, not negative, at most two decimals. With <paramref name="text"/> (the national
    /// naming, where exports write "36.0") or in CSV cells, a string of digits with an optional decimal part too.
    /// </summary>
    private bool ReadAmount(ref JsonCursor c, string field, out decimal value, bool text = false, int decimals = 2)
    {
        value = 0m;
        if (c.TokenType == JsonTokenType.Null) { Problem(field, CaseMessages.NotNull); return false; }
        bool read = c.TokenType == JsonTokenType.Number
            ? c.TryGetDecimal(out value)
            : c.TokenType == JsonTokenType.String && (text || Cells) && TryShortText(ref c, out var chars) && TryParsePlainNumber(chars, out value);
        if (!read) return Wrong(ref c, field, CaseMessages.NotNumber(Shown(ref c)));
        if (value < 0m) { Problem(field, CaseMessages.Negative(Shown(ref c))); return false; }
        if (value > MaxAmount) { Problem(field, CaseMessages.TooLarge(Shown(ref c))); return false; }
        if (decimal.Round(value, decimals) != value) { Problem(field, CaseMessages.TooManyDecimals(Shown(ref c), decimals)); return false; }
        return true;
    }

    /// <summary>Digits, optionally a point and more digits: no sign, exponent, spaces or thousands separators.</summary>
    private static bool TryParsePlainNumber(ReadOnlySpan<char> s, out decimal value)
    {
        value = 0m;
        int point = s.IndexOf('.');
        var whole = point < 0 ? s : s[..point];
        if (whole.Length == 0 || whole.Length > 15 || !IsAsciiDigits(whole)) return false;
        if (point >= 0 && (s.Length - point - 1 is 0 or > 10 || !IsAsciiDigits(s[(point + 1)..]))) return false;
        return decimal.TryParse(s, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out value);
    }

    /// <summary>An amount where null has a meaning (the engine computes it, or nothing was paid upstream).</summary>
    private bool ReadNullableAmount(ref JsonCursor c, string field, out decimal? value, bool text = false)
    {
        value = null;
        if (c.TokenType == JsonTokenType.Null) return true;
        if (!ReadAmount(ref c, field, out var amount, text)) return false;
        value = amount;
        return true;
    }

    private bool ReadBool(ref JsonCursor c, string field, out bool value)
    {
        value = c.TokenType == JsonTokenType.True;
        if (c.TokenType is JsonTokenType.True or JsonTokenType.False) return true;
        if (c.TokenType == JsonTokenType.Null) { Problem(field, CaseMessages.NotNull); return false; }
        if (Cells && c.TokenType == JsonTokenType.String && TryShortText(ref c, out var text) && text is "true" or "false")
        {
            value = text is "true";
            return true;
        }
        return Wrong(ref c, field, CaseMessages.NotBoolean(Shown(ref c)));
    }

    private bool ReadHospitalLevel(ref JsonCursor c, string field, out int value)
    {
        value = 0;
        if (c.TokenType == JsonTokenType.Null) { Problem(field, CaseMessages.NotNull); return false; }
        if (c.TokenType == JsonTokenType.Number && c.TryGetInt32(out value) && value is >= 0 and <= 3) return true;
        if (Cells && c.TokenType == JsonTokenType.String && TryShortText(ref c, out var text) && text.Length == 1 && text[0] is >= '0' and <= '3')
        {
            value = text[0] - '0';
            return true;
        }
        return Wrong(ref c, field, CaseMessages.NotHospitalLevel(Shown(ref c)));
    }

    private bool ReadCode<T>(ref JsonCursor c, string field, CodeSet<T> codes, bool nullable, out T value) where T : struct, Enum
    {
        value = default;
        if (c.TokenType == JsonTokenType.Null)
        {
            if (nullable) return true;
            Problem(field, CaseMessages.NotNull);
            return false;
        }
        if (c.TokenType == JsonTokenType.String && TryShortText(ref c, out var text) && codes.TryGet(text, out value)) return true;
        return Wrong(ref c, field, CaseMessages.UnknownCode(Shown(ref c), codes.WhatZh, codes.WhatEn, codes.Known));
    }

    private bool ReadDate(ref JsonCursor c, string field, out DateOnly value)
    {
        value = default;
        if (c.TokenType == JsonTokenType.Null) { Problem(field, CaseMessages.NotNull); return false; }
        if (c.TokenType != JsonTokenType.String || !TryShortText(ref c, out var text) || !IsIsoShape(text))
            return Wrong(ref c, field, CaseMessages.NotDateFormat(Shown(ref c)));
        int year = Digits(text[..4]), month = Digits(text.Slice(5, 2)), day = Digits(text.Slice(8, 2));
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
            return Wrong(ref c, field, CaseMessages.NotDate(Shown(ref c)));
        value = new DateOnly(year, month, day);
        return true;
    }

    private bool ReadNullableDate(ref JsonCursor c, string field, out DateOnly? value)
    {
        value = null;
        if (c.TokenType == JsonTokenType.Null) return true;
        if (!ReadDate(ref c, field, out var date)) return false;
        value = date;
        return true;
    }

    /// <summary>YYYY-MM-DD with ASCII digits; the calendar is checked separately so the message can say which is wrong.</summary>
    private static bool IsIsoShape(ReadOnlySpan<char> text)
    {
        if (text.Length != 10 || text[4] != '-' || text[7] != '-') return false;
        for (int i = 0; i < 10; i++)
            if (i is not (4 or 7) && !char.IsAsciiDigit(text[i])) return false;
        return true;
    }

    private static int Digits(ReadOnlySpan<char> digits)
    {
        int n = 0;
        foreach (char d in digits) n = n * 10 + (d - '0');
        return n;
    }

    /// <summary>Reports a value of the wrong kind and skips it (it may be an object or array).</summary>
    private bool Wrong(ref JsonCursor c, string? field, string message)
    {
        Problem(field, message);
        c.SkipValue();
        return false;
    }
}
