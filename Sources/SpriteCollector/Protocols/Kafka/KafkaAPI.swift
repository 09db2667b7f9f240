/// Facts about the Kafka request types (API keys) Sprite needs to frame and decode them.
enum KafkaAPI {
    static let produce = 0, fetch = 1, metadata = 3, apiVersions = 18

    /// Names of the API keys (https://kafka.apache.org/protocol#protocol_api_keys), by key.
    static let names: [String] = [
        "Produce", "Fetch", "ListOffsets", "Metadata", "LeaderAndIsr", "StopReplica", "UpdateMetadata",
        "ControlledShutdown", "OffsetCommit", "OffsetFetch", "FindCoordinator", "JoinGroup", "Heartbeat",
        "LeaveGroup", "SyncGroup", "DescribeGroups", "ListGroups", "SaslHandshake", "ApiVersions", "CreateTopics",
        "DeleteTopics", "DeleteRecords", "InitProducerId", "OffsetForLeaderEpoch", "AddPartitionsToTxn",
        "AddOffsetsToTxn", "EndTxn", "WriteTxnMarkers", "TxnOffsetCommit", "DescribeAcls", "CreateAcls", "DeleteAcls",
        "DescribeConfigs", "AlterConfigs", "AlterReplicaLogDirs", "DescribeLogDirs", "SaslAuthenticate",
        "CreatePartitions", "CreateDelegationToken", "RenewDelegationToken", "ExpireDelegationToken",
        "DescribeDelegationToken", "DeleteGroups", "ElectLeaders", "IncrementalAlterConfigs",
        "AlterPartitionReassignments", "ListPartitionReassignments", "OffsetDelete", "DescribeClientQuotas",
        "AlterClientQuotas", "DescribeUserScramCredentials", "AlterUserScramCredentials", "Vote", "BeginQuorumEpoch",
        "EndQuorumEpoch", "DescribeQuorum", "AlterPartition", "UpdateFeatures", "Envelope", "FetchSnapshot",
        "DescribeCluster", "DescribeProducers", "BrokerRegistration", "BrokerHeartbeat", "UnregisterBroker",
        "DescribeTransactions", "ListTransactions", "AllocateProducerIds", "ConsumerGroupHeartbeat",
        "ConsumerGroupDescribe", "ControllerRegistration", "GetTelemetrySubscriptions", "PushTelemetry",
        "AssignReplicasToDirs", "ListConfigResources", "DescribeTopicPartitions", "ShareGroupHeartbeat",
        "ShareGroupDescribe", "ShareFetch", "ShareAcknowledge", "AddRaftVoter", "RemoveRaftVoter", "UpdateRaftVoter",
        "InitializeShareGroupState", "ReadShareGroupState", "WriteShareGroupState", "DeleteShareGroupState",
        "ReadShareGroupStateSummary", "StreamsGroupHeartbeat", "StreamsGroupDescribe", "DescribeShareGroupOffsets",
        "AlterShareGroupOffsets", "DeleteShareGroupOffsets",
    ]

    /// The first flexible version (compact encodings, tagged fields) of keys 0...55; -1: never.
    /// Every key after 55 is flexible from version 0.
    private static let firstFlexible: [Int] = [
        9, 12, 6, 9, 4, 2, 6, 3, 8, 6, 3, 6, 4, 4, 4, 5, 3, -1, 3, 5, // 0-19
        4, 2, 2, 4, 3, 3, 3, 1, 3, 2, 2, 2, 4, 2, 2, 2, 2, 2, 2, 2, // 20-39
        2, 2, 2, 2, 1, 0, 0, -1, 1, 1, 0, 0, 0, 1, 1, 0, // 40-55
    ]

    /// Largest version Sprite accepts for any key (today's largest is Fetch 18).
    static let maxVersion = 31

    static func isKnown(_ key: Int) -> Bool { key >= 0 && key < names.count }

    static func name(_ key: Int) -> String { isKnown(key) ? names[key] : "Unknown(\(key))" }

    /// Whether requests of `key` at `version` use the flexible encoding (request header v2).
    static func isFlexible(_ key: Int, version: Int) -> Bool {
        guard key >= 0 else { return false }
        guard key < firstFlexible.count else { return true }
        let f = firstFlexible[key]
        return f >= 0 && version >= f
    }

    /// Whether the response header has tagged fields (header v1). ApiVersions responses keep
    /// header v0 in every version, so a client can read them before knowing what the broker speaks.
    static func responseHasTags(_ key: Int, version: Int) -> Bool {
        key != apiVersions && isFlexible(key, version: version)
    }
}
