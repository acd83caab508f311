namespace Doudi.Synthetic;

/// <summary>Synthetic Chinese names for persons, townships and institutions (made up; any likeness is chance).</summary>
internal static class Names
{
    private const string Surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢";
    private const string Given = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国红梅德福春生文斌玉珍海燕金凤志荣家宝";
    private const string Places = "东西南北中新安宁和平石桥溪山河湖塘坪岭口湾江洲坝集镇庄店寨";

    public static string Person(Random rng) =>
        $"{Surnames[rng.Next(Surnames.Length)]}{Given[rng.Next(Given.Length)]}{(rng.NextDouble() < 0.7 ? Given[rng.Next(Given.Length)].ToString() : "")}";

    /// <summary>Unique per index (for the first 1,024 townships; later ones carry their number).</summary>
    public static string Township(int index)
    {
        int pair = (index * 37 + 40) % (Places.Length * Places.Length);
        string name = $"{Places[pair / Places.Length]}{Places[pair % Places.Length]}";
        if (index >= Places.Length * Places.Length) name += index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return name + (index % 3 == 0 ? "街道" : "镇");
    }

    public static string Institution(string township, int level, bool withinCity, int index) => level switch
    {
        0 => $"{township}第{index % 50 + 1}村卫生室",
        1 => $"{township}卫生院",
        2 => withinCity ? $"{township}人民医院" : $"外市第{index % 20 + 1}人民医院",
        _ => withinCity ? $"市第{index % 5 + 1}人民医院" : $"省第{index % 5 + 1}人民医院",
    };
}
