/// What a column's values mean, beyond their physical type, as Pixie's `ST_*` semantic types.
///
/// Front ends use it to format values (durations, bytes, percentages) and PxL carries it through
/// casts such as `px.DurationNanos`.
public enum SemanticType: String, Sendable, Hashable, CaseIterable, Codable {
    case none = "ST_NONE"
    case agentUID = "ST_AGENT_UID"
    case asid = "ST_ASID"
    case upid = "ST_UPID"
    case serviceName = "ST_SERVICE_NAME"
    case podName = "ST_POD_NAME"
    case podPhase = "ST_POD_PHASE"
    case podStatus = "ST_POD_STATUS"
    case nodeName = "ST_NODE_NAME"
    case containerName = "ST_CONTAINER_NAME"
    case containerState = "ST_CONTAINER_STATE"
    case containerStatus = "ST_CONTAINER_STATUS"
    case namespaceName = "ST_NAMESPACE_NAME"
    case bytes = "ST_BYTES"
    case percent = "ST_PERCENT"
    case durationNanos = "ST_DURATION_NS"
    case throughputPerNanos = "ST_THROUGHPUT_PER_NS"
    case throughputBytesPerNanos = "ST_THROUGHPUT_BYTES_PER_NS"
    case quantiles = "ST_QUANTILES"
    case durationNanosQuantiles = "ST_DURATION_NS_QUANTILES"
    case ipAddress = "ST_IP_ADDRESS"
    case port = "ST_PORT"
    case httpRequestMethod = "ST_HTTP_REQ_METHOD"
    case httpResponseStatus = "ST_HTTP_RESP_STATUS"
    case httpResponseMessage = "ST_HTTP_RESP_MESSAGE"
    case scriptReference = "ST_SCRIPT_REFERENCE"
}
