namespace DealLedger.Domain.Facts;

/// <summary>What a limit bounds: the length of a text, the number of items in a list, or a number's value.</summary>
public enum LimitKind
{
    Length,
    Count,
    Number,
}

/// <summary>
/// One documented range of the fact contract: which fields it applies to, its bounds (inclusive), for numbers
/// how many decimal places, and why it is what it is. Checked at write time; a fact outside it is a 422 naming
/// the field.
/// </summary>
public sealed record FieldLimit(string Name, LimitKind Kind, string Fields, decimal Min, decimal Max, string Unit, string Why,
    int? MaxDecimals = null);

/// <summary>
/// Every limit of the fact contract, as data: the parser checks against these, docs/operations.md lists them
/// (a test keeps the two equal), and a schema or client can read them. Every accepted fact is bounded by them,
/// so is every read model built from it: a document grows linearly with its subject's facts, and no fold can
/// overflow on one fact (amounts and their decimals are bounded so a ratio of two of them fits a decimal).
/// </summary>
public static class FactLimits
{
    public static readonly FieldLimit FactId = Length("fact-id", "factId, corrects, data.factId", 200,
        "an idempotency key, not a text");

    public static readonly FieldLimit Slug = Length("slug", "subject, parties' party and every party field of data (party, payer, payee, holder, company, issuer, grantor, grantee), data.target, data.milestone, data.part", 100,
        "typed in URLs");

    public static readonly FieldLimit Word = Length("word", "type and every vocabulary word (kind, role, status, term, precision...)", 100,
        "a word of the vocabulary");

    public static readonly FieldLimit Name = Length("name", "source.publisher, data.name, data.person, data.role, data.previousEmployer", 200,
        "names of organisations and people");

    public static readonly FieldLimit DealTitle = Length("deal-title", "data.title of deal.reported", 300, "a headline");

    public static readonly FieldLimit SourceTitle = Length("source-title", "source.title", 500, "an article's headline");

    public static readonly FieldLimit Url = Length("url", "source.url", 2000, "the longest URL browsers reliably accept");

    public static readonly FieldLimit Description = Length("description", "data.description of deal.reported and party.reported", 2000,
        "a paragraph; the source itself holds the rest");

    public static readonly FieldLimit Note = Length("note", "data.note, data.reason, descriptions of milestones and relations", 1000,
        "a sentence or two of context");

    public static readonly FieldLimit Language = Length("language", "source.language", 12, "a BCP 47 tag such as pt-BR");

    public static readonly FieldLimit Country = Length("country", "data.country", 2, "an ISO 3166 alpha-2 code");

    public static readonly FieldLimit Period = Length("period", "effective, data.start, data.expected, data.horizon", 100,
        "a period in words (see Periods)");

    public static readonly FieldLimit PartiesPerReport = new("parties-per-report", LimitKind.Count, "data.parties of deal.reported", 1, 50,
        "parties", "consortia and funding rounds name tens of parties; each party's read models list the deal's other parties");

    public static readonly FieldLimit PartiesPerDeal = new("parties-per-deal", LimitKind.Count,
        "distinct parties of one deal, over all its deal.reported and deal.party-joined facts", 1, 200, "parties",
        "cross-deal views list, for each party, the deal's other parties: a deal's cost there grows with the square of its parties");

    public static readonly FieldLimit Citations = new("citations", LimitKind.Count, "source.cites, at every depth together", 0, 10,
        "cited sources", "a fact's source is copied into every read-model entry the fact feeds");

    public static readonly FieldLimit CitationDepth = new("citation-depth", LimitKind.Count, "nesting of source.cites", 0, 3, "levels",
        "who cited whom, three levels deep, covers syndicated reporting");

    public static readonly FieldLimit Amount = new("amount", LimitKind.Number, "amount and max of every money value", 0, 1_000_000_000_000_000m,
        "currency units", "a quadrillion is far above any deal (the largest reported are hundreds of billions); with at most 4 " +
        "decimals, any sum of up to 79 billion amounts and any ratio of two amounts fits a decimal", MaxDecimals: 4);

    public static readonly FieldLimit StatedChange = new("stated-change", LimitKind.Number, "data.statedChange.amount (may be negative)",
        -1_000_000_000_000_000m, 1_000_000_000_000_000m, "currency units", "the difference of two amounts", MaxDecimals: 4);

    public static readonly FieldLimit Gigawatts = new("gigawatts", LimitKind.Number, "data.gigawatts", 0.001m, 10_000m, "GW",
        "the whole world's generating capacity is about 9,000 GW", MaxDecimals: 3);

    public static readonly FieldLimit DurationMonths = new("duration-months", LimitKind.Number, "data.months", 1, 1200, "months",
        "a century; schedules are spread over these years", MaxDecimals: 0);

    public static readonly FieldLimit Percent = new("percent", LimitKind.Number, "data.percent of deal.stake-reported and deal.share-reported",
        0.0001m, 100, "%", "a share of a whole", MaxDecimals: 4);

    public static readonly FieldLimit SecurityCount = new("security-count", LimitKind.Number, "data.count of deal.securities-reported and its vesting steps",
        1, 10_000_000_000_000m, "shares", "ten trillion is above the share count of any listed company", MaxDecimals: 0);

    public static readonly FieldLimit Quantity = new("quantity", LimitKind.Number, "data.quantity of deal.quantity-reported and its schedule",
        0.001m, 1_000_000_000_000m, "units (GW, MW, chips...)", "a trillion chips or megawatts is far above any order", MaxDecimals: 3);

    public static readonly FieldLimit ScheduleSteps = new("schedule-steps", LimitKind.Count, "data.schedule of deal.quantity-reported, data.vesting of deal.securities-reported",
        0, 100, "steps", "a century of yearly deliveries; each step is copied into the deal's summary");

    public static readonly FieldLimit Year = new("year", LimitKind.Number,
        "the year of reportedOn and of every date or period (effective, start, expected, horizon)", 1900, 2200, "year",
        "the ledger's span of interest, far enough from the calendar's ends that no period arithmetic overflows", MaxDecimals: 0);

    public static readonly IReadOnlyList<FieldLimit> All =
    [
        FactId, Slug, Word, Name, DealTitle, SourceTitle, Url, Description, Note, Language, Country, Period,
        PartiesPerReport, PartiesPerDeal, Citations, CitationDepth, Amount, StatedChange, Gigawatts, DurationMonths,
        Percent, SecurityCount, Quantity, ScheduleSteps, Year,
    ];

    /// <summary>The inclusive date bounds every date of a fact must fall within (from <see cref="Year"/>).</summary>
    public static DateOnly EarliestDate => new((int)Year.Min, 1, 1);

    public static DateOnly LatestDate => new((int)Year.Max, 12, 31);

    public static bool InRange(FieldLimit limit, decimal value) => value >= limit.Min && value <= limit.Max;

    /// <summary>
    /// True when the JSON number <paramref name="number"/>, as written, has no more decimal places than the limit allows
    /// (any limit: no more than a decimal holds) and no more significant digits than a decimal holds, so it is stored
    /// without losing a digit. Trailing zeros do not count: 1.50 and 15e-1 have one decimal place, 1e-30 has thirty.
    /// </summary>
    public static bool FitsDecimals(FieldLimit limit, string number)
    {
        var mark = number.AsSpan().IndexOfAny('e', 'E');
        var mantissa = (mark < 0 ? number : number[..mark]).TrimStart('-');
        var exponent = mark < 0 ? 0 : Exponent(number.AsSpan(mark + 1));
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var written = point < 0 ? 0 : mantissa.Length - point - 1;
        var digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        var significant = digits.TrimEnd('0');
        if (significant.TrimStart('0').Length == 0)
        {
            return true;
        }

        var places = Math.Max(0, written - exponent - (digits.Length - significant.Length));
        return places <= (limit.MaxDecimals ?? DecimalDigits) && significant.TrimStart('0').Length <= DecimalDigits;
    }

    /// <summary>The significant digits a decimal always holds (it holds 29 only below 2^96).</summary>
    private const int DecimalDigits = 28;

    /// <summary>An exponent as written, capped far beyond anything a decimal holds so that no exponent overflows.</summary>
    private static long Exponent(ReadOnlySpan<char> text)
    {
        var negative = text[0] == '-';
        long value = 0;
        foreach (var digit in text.TrimStart("+-"))
        {
            value = Math.Min((value * 10) + (digit - '0'), 1_000_000);
        }

        return negative ? -value : value;
    }

    /// <summary>The message naming a number's range, e.g. "must be between 0 and 1,000,000,000,000,000 (currency units)".</summary>
    public static string RangeMessage(FieldLimit limit) =>
        $"must be between {limit.Min:#,0.###} and {limit.Max:#,0.###} {limit.Unit}" +
        (limit.MaxDecimals is { } d ? d == 0 ? ", a whole number" : $", with at most {d} decimal places" : "");

    private static FieldLimit Length(string name, string fields, int max, string why) =>
        new(name, LimitKind.Length, fields, 0, max, "characters", why);
}
