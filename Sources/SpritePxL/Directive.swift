/// One `key=value` setting from a `#px:set` comment line, e.g.
/// `#px:set max_output_rows_per_table=500`.
public struct Directive: Sendable, Equatable {
    /// The setting name, e.g. `max_output_rows_per_table`.
    public var key: String
    /// The raw setting value, e.g. `500`.
    public var value: String
    /// Where the `key=value` pair starts.
    public var location: SourceLocation

    /// Creates a directive.
    public init(key: String, value: String, location: SourceLocation) {
        self.key = key
        self.value = value
        self.location = location
    }
}
