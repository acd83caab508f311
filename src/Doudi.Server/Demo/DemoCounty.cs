namespace Doudi.Server.Demo;

public static class DemoCounty
{
    public static Task LoadAsync(IServiceProvider services) => Task.CompletedTask;
}
