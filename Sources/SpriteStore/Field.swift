/// One named, typed column of a ``Schema``.
public struct Field: Sendable, Hashable, Codable {
    /// The column name, e.g. `req_path`.
    public var name: String
    /// The physical type.
    public var type: DataType
    /// The meaning of the values, for formatting.
    public var semanticType: SemanticType
    /// A one-line description, shown by `px.GetSchemas()`.
    public var description: String

    public init(_ name: String, _ type: DataType, _ semanticType: SemanticType = .none, description: String = "") {
        self.name = name
        self.type = type
        self.semanticType = semanticType
        self.description = description
    }
}
