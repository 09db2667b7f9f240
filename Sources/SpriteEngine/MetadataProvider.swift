/// The source of process metadata for `upid_to_*` functions and `df.ctx[...]`.
///
/// The default, ``ProcMetadataProvider``, reads `/proc` and applies the documented fallbacks for
/// hosts without Kubernetes; a Kubernetes-aware provider can replace it.
public protocol MetadataProvider: Sendable {
    /// Metadata for the process with this UPID (never fails: unknown processes get fallbacks).
    func metadata(forUPID upid: UInt128) -> ProcessMetadata
}
