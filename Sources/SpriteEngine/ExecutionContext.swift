import SpriteStore

/// Query-wide state that kernels read: the query's `now` and the process metadata source.
public final class ExecutionContext: Sendable {
    /// `px.now()`, nanoseconds since the epoch, fixed for the whole query.
    public let now: Int64
    /// Where `upid_to_*` functions and `df.ctx[...]` look processes up.
    public let metadata: any MetadataProvider

    public init(now: Int64, metadata: any MetadataProvider = ProcMetadataProvider.shared) {
        self.now = now
        self.metadata = metadata
    }
}
