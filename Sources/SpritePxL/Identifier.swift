/// A name with the location where it is spelled, e.g. a function name, parameter name,
/// keyword-argument label or the attribute name in `df.latency`.
public struct Identifier: Sendable, Equatable {
    /// The name.
    public var name: String
    /// Where the name starts.
    public var location: SourceLocation

    /// Creates an identifier.
    public init(_ name: String, at location: SourceLocation) {
        self.name = name
        self.location = location
    }
}
