using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace DealLedger.Api.Hosting;

/// <summary>
/// Behind a reverse proxy every request comes from the proxy's address, so every per-address limit and the wrong-key
/// lockout would apply to all clients at once. ASP.NET Core's forwarded-headers middleware puts the client's address
/// (<c>X-Forwarded-For</c>) and scheme (<c>X-Forwarded-Proto</c>) back, but only for requests from the proxies named
/// in <c>ForwardedHeaders:KnownProxies</c> (addresses) and <c>ForwardedHeaders:KnownNetworks</c> (CIDR); with none
/// named (the default) the headers are ignored, since any client could send them. ASP.NET Core's own default of
/// trusting loopback is dropped for the same reason.
/// </summary>
public static class ForwardedClients
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Configures the middleware; false when no proxy is named, and the middleware is then left out.</summary>
    public static bool Add(IServiceCollection services, IConfiguration configuration)
    {
        var proxies = configuration.GetSection($"{Section}:KnownProxies").Get<string[]>() ?? [];
        var networks = configuration.GetSection($"{Section}:KnownNetworks").Get<string[]>() ?? [];
        if (proxies.Length == 0 && networks.Length == 0)
        {
            return false;
        }

        var parsedProxies = proxies.Select(p => IPAddress.TryParse(p, out var address)
            ? address
            : throw new InvalidOperationException($"{Section}:KnownProxies holds '{p}', which is not an IP address.")).ToList();
        var parsedNetworks = networks.Select(n => System.Net.IPNetwork.TryParse(n, out var network)
            ? network
            : throw new InvalidOperationException($"{Section}:KnownNetworks holds '{n}', which is not a network in CIDR notation (10.0.0.0/8).")).ToList();
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            parsedProxies.ForEach(options.KnownProxies.Add);
            parsedNetworks.ForEach(options.KnownIPNetworks.Add);
            // One proxy hop by default: the right-most address a known proxy added is the client's.
            options.ForwardLimit = configuration.GetValue($"{Section}:ForwardLimit", 1);
        });
        return true;
    }
}
