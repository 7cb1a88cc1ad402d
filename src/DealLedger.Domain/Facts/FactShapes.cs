using DealLedger.Domain.Sources;

namespace DealLedger.Domain.Facts;

/// <summary>The shapes every fact shares: the envelope, its source (and the sources it cites) and money.</summary>
public static class FactShapes
{
    public static readonly Shape Money = MoneyShape("FactMoney", FactLimits.Amount,
        "An amount as reported, in whole currency units: a JSON number, never floating point in the ledger.");

    /// <summary>A change of an amount as the source worded it: the only money that may be negative.</summary>
    public static readonly Shape MoneyChange = MoneyShape("FactMoneyChange", FactLimits.StatedChange,
        "A change of an amount as the source worded it (\"$80B more\"); it may be negative.");

    public static readonly Shape Source = SourceShape("FactSource", cited: false,
        "Who published the fact. A fact's own source has a title and a language.");

    public static readonly Shape CitedSource = SourceShape("FactCitedSource", cited: true,
        "A source the fact's source relies on (e.g. the WSJ cited by a French article): publisher and kind are enough.");

    /// <summary>
    /// The envelope: the same for <c>POST /facts</c>, each line of an import and the seed dataset. Its <c>type</c>
    /// names the <see cref="FactType"/> whose shape reads <c>data</c>.
    /// </summary>
    public static readonly Shape Envelope = new("FactEnvelope", "A reported fact.",
        new Field("factId", FieldKind.FactId, "Chosen by the client, unique in the ledger forever: the idempotency key. Letters, digits and " +
            ". _ : -. The same id with the same content again answers 200 with the original event; with other content, 409.", FactLimits.FactId).Required(),
        Field.Text("type", FactLimits.Word, "The fact type; also the event's stored name, pinned forever.").Required(),
        Field.Slug("subject", "Slug of the stream the fact is about: a deal, an estimate or a party (oracle-openai-cloud-2025, " +
            "openai-cash-burn-2025-2029, openai).").Required(),
        new Field("reportedOn", FieldKind.Date, "The day the source published it (YYYY-MM-DD). Not in the future (a date that is already " +
            "today somewhere, up to UTC+14, is accepted).", FactLimits.Period).Required(),
        Field.Period("effective", "When it is or was true in the world: a period (see Periods)."),
        Field.Text("corrects", FactLimits.FactId, "The fact id of an earlier fact this one corrects: same subject, same type, same publisher. " +
            "The corrected fact stays in the history, marked, and no longer counts."),
        Field.Nested("source", () => Source, "Who published it.").Required(),
        new Field("data", FieldKind.Nested, "The type's own fields.", null).Required());

    public static Money ToMoney(JsonFields money) =>
        new(money.OptionalNumber("amount"), money.Text("currency"), money.Text("precision"), money.OptionalNumber("max"));

    public static Source ToSource(JsonFields source) => new(
        source.Text("publisher"), source.OptionalText("title"), source.OptionalText("url"), source.Text("kind"),
        source.OptionalText("language"), source.List("cites", ToSource));

    private static Shape MoneyShape(string name, FieldLimit amount, string description) => new Shape(name, description,
        Field.Number("amount", amount, "The reported figure (the lower bound of a range); absent when undisclosed."),
        new Field("currency", FieldKind.Currency, "An active ISO 4217 code (USD, EUR...).", FactLimits.Word).Required(),
        Field.Word("precision", Sources.Money.Precisions, "How precise the figure is: exact, about, up-to, at-least, range (then max " +
            "is the upper bound) or undisclosed (then amount is absent).").Defaulting(Sources.Money.Exact),
        Field.Number("max", amount, "The upper bound of a range.")).With(
        new FieldRule("amount is required unless the precision is undisclosed", m =>
        {
            if (m.Text("precision") != Sources.Money.Undisclosed && !m.Has("amount"))
            {
                m.Error("amount", "is required");
            }
        }),
        new FieldRule("max is required when the precision is range", m =>
        {
            if (m.Text("precision") == Sources.Money.Range && !m.Has("max"))
            {
                m.Error("max", "is required");
            }
        }),
        new FieldRule("an undisclosed figure has no amount", m =>
        {
            if (m.Text("precision") == Sources.Money.Undisclosed && m.OptionalNumber("amount") is not null)
            {
                m.Error("amount", "must be absent when the precision is 'undisclosed'");
            }
        }),
        new FieldRule("max is given only with the precision range", m =>
        {
            if (m.Text("precision") != Sources.Money.Range && m.OptionalNumber("max") is not null)
            {
                m.Error("max", "is only allowed when the precision is 'range'");
            }
        }),
        new FieldRule("max is not below amount", m =>
        {
            if (m.OptionalNumber("max") < m.OptionalNumber("amount"))
            {
                m.Error("max", "must not be below amount");
            }
        }));

    private static Shape SourceShape(string name, bool cited, string description)
    {
        var title = Field.Text("title", FactLimits.SourceTitle, "The headline of the article or document.");
        var language = new Field("language", FieldKind.Language, "The language it is written in: a BCP 47 tag (en, fr, pt-BR).", FactLimits.Language);
        return new Shape(name, description,
            Field.Text("publisher", FactLimits.Name, "Who published it.").Required(),
            cited ? title : title.Required(),
            new Field("url", FieldKind.Url, "Where to read it: an absolute http or https URL.", FactLimits.Url),
            Field.Word("kind", Sources.Source.Kinds, "What kind of source it is.").Required(),
            cited ? language : language.Required(),
            new Field("cites", FieldKind.Citations, "The sources it relies on; at most " +
                $"{FactLimits.Citations.Max:0} at all depths together, nested at most {FactLimits.CitationDepth.Max:0} levels.", FactLimits.Citations)
            {
                Of = () => CitedSource,
            });
    }
}
