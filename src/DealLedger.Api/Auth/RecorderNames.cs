using System.Security.Claims;

namespace DealLedger.Api.Auth;

/// <summary>
/// Who recorded a fact is the name of an API key: the audit answers show it to callers who present a key, and
/// answer <c>recordedBy: null</c> to anonymous ones, so open reads do not list the deployment's key names.
/// </summary>
public static class RecorderNames
{
    public static bool VisibleTo(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true;
}
