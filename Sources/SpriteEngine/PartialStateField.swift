import SpriteStore

/// How partial aggregate state columns describe themselves, so a final aggregate (possibly on
/// another node) knows the aggregate and the original value type: a `STRING` field whose
/// description is `sprite.partial:<function>:<TYPE>:<SEMANTIC>`.
public enum PartialStateField {
    static let prefix = "sprite.partial:"

    /// The state column for aggregate `function` over values like `input`.
    public static func field(name: String, function: String, input: Field) -> Field {
        Field(name, .string, .none, description: "\(prefix)\(function):\(input.type.rawValue):\(input.semanticType.rawValue)")
    }

    /// The aggregate name and original value field of a state column, or `nil` if it is not one.
    public static func parse(_ field: Field) -> (function: String, input: Field)? {
        guard field.type == .string, field.description.hasPrefix(prefix) else { return nil }
        let parts = field.description.dropFirst(prefix.count).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let t = DataType(rawValue: String(parts[1])), let s = SemanticType(rawValue: String(parts[2])) else { return nil }
        return (String(parts[0]), Field(field.name, t, s))
    }
}
