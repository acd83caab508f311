using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Doudi.Server.Tests.Infrastructure;

public static class Http
{
    public static async Task<(HttpStatusCode Status, JsonElement Body, string Text)> PostJson(this HttpClient c, string url, object body)
    {
        var r = await c.PostAsJsonAsync(url, body);
        return await Read(r);
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body, string Text)> PostRaw(this HttpClient c, string url, string body, string contentType)
    {
        var r = await c.PostAsync(url, new StringContent(body, Encoding.UTF8, contentType));
        return await Read(r);
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body, string Text)> GetJson(this HttpClient c, string url) => await Read(await c.GetAsync(url));

    public static async Task<(HttpStatusCode Status, JsonElement Body, string Text)> Read(HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        JsonElement body = default;
        if (text.Length > 0 && (r.Content.Headers.ContentType?.MediaType?.Contains("json") ?? false))
            body = JsonDocument.Parse(text).RootElement.Clone();
        return (r.StatusCode, body, text);
    }

    public static decimal Dec(this JsonElement e, string name) => e.GetProperty(name).GetDecimal();
    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;
}
