import SpriteStore

/// An aggregate (UDA) by Pixie name: which input types it takes, its result type, and how to
/// make its mergeable per-group state.
public struct AggregateFunction: Sendable {
    public let name: String
    /// A one-line description, shown by `px.GetUDAList()`.
    public let documentation: String
    /// The input types it accepts.
    public let inputTypes: [DataType]
    let resultRule: @Sendable (DataType, SemanticType) -> (DataType, SemanticType)
    let makeState: @Sendable (DataType) -> any AggregateState

    init(name: String, documentation: String, inputTypes: [DataType],
         result: @escaping @Sendable (DataType, SemanticType) -> (DataType, SemanticType),
         state: @escaping @Sendable (DataType) -> any AggregateState) {
        self.name = name
        self.documentation = documentation
        self.inputTypes = inputTypes
        self.resultRule = result
        self.makeState = state
    }

    /// The result type and semantic type for an input, or `nil` if the input type is not accepted.
    public func result(_ type: DataType, _ semantic: SemanticType) -> (DataType, SemanticType)? {
        inputTypes.contains(type) ? resultRule(type, semantic) : nil
    }
}
