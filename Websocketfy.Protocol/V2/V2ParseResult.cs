namespace Websocketfy.Protocol.V2;

/// <summary>What a client's text message was: a valid request, or a bad_request answer.</summary>
public readonly struct V2ParseResult
{
    private V2ParseResult(V2Request? request, int errorId, string error)
    {
        Request = request;
        ErrorId = errorId;
        Error = error;
    }

    /// <summary>The request when the message was valid; null otherwise.</summary>
    public V2Request? Request { get; }

    /// <summary>For an invalid message: the id its answer carries, or 0 when it has none ("id": null).</summary>
    public int ErrorId { get; }

    /// <summary>For an invalid message: what is wrong, for the answer's "message"; empty when valid.</summary>
    public string Error { get; }

    public bool IsValid => Request is not null;

    public static V2ParseResult Valid(V2Request request) => new(request, 0, "");

    /// <param name="id">The request's id when it had a valid one, else 0.</param>
    public static V2ParseResult Invalid(int id, string error) => new(null, id, error);
}
