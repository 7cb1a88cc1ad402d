namespace DealLedger.Domain.Current;

/// <summary>
/// What a later fact said about an earlier one. Only facts that were corroborated, disputed, corrected or
/// retracted get a status; any other fact is simply live. <see cref="FactStatuses.Apply"/> is how it changes.
/// </summary>
public sealed class FactStatus
{
    public const string Live = "live";
    public const string Corrected = "corrected";
    public const string Retracted = "retracted";

    public string State { get; set; } = Live;
    public string? CorrectedBy { get; set; }
    public string? RetractedBy { get; set; }
    public List<string> CorroboratedBy { get; set; } = [];
    public List<string> DisputedBy { get; set; } = [];
}
