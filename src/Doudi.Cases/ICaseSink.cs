using Doudi.Engine.Cases;

namespace Doudi.Cases;

/// <summary>
/// Receives a case file as it is read (<see cref="CaseReader.Read(Stream, ICaseSink)"/>), so a caller can settle and
/// write a city's year bill by bill instead of holding every bill.
/// </summary>
public interface ICaseSink
{
    /// <summary>The region and every person, once, before the first bill.</summary>
    void Start(string region, IReadOnlyList<Person> persons);

    /// <summary>A bill read without problem, the <paramref name="index"/>th of the file; bills come in file order.</summary>
    void Bill(Bill bill, int index);
}
