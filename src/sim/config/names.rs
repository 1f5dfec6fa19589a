//! The setting names the lab knows, and the names Kafka's consumer defines.

/// The Kafka names of every setting [`ConsumerConfig`] holds, in display order.
pub const CONSUMER_CONFIG_NAMES: &[&str] = &[
    "bootstrap.servers",
    "group.id",
    "group.protocol",
    "group.remote.assignor",
    "group.instance.id",
    "client.id",
    "client.rack",
    "session.timeout.ms",
    "heartbeat.interval.ms",
    "max.poll.interval.ms",
    "partition.assignment.strategy",
    "key.deserializer",
    "value.deserializer",
    "metadata.max.age.ms",
    "enable.auto.commit",
    "auto.commit.interval.ms",
    "max.poll.records",
    "auto.offset.reset",
    "retry.backoff.ms",
    "poll.timeout.ms",
    "processing.time.ms",
    "processing.time.per.record.ms",
    "manual.commit",
];

/// The names of every setting [`BrokerConfig`] holds: Kafka's broker configs, then the simulation-only
/// [`NEW_MEMBER_JOIN_TIMEOUT_KNOB`].
pub const BROKER_CONFIG_NAMES: &[&str] = &[
    "group.initial.rebalance.delay.ms",
    "group.min.session.timeout.ms",
    "group.max.session.timeout.ms",
    "group.max.size",
    "num.partitions",
    "group.consumer.session.timeout.ms",
    "group.consumer.min.session.timeout.ms",
    "group.consumer.max.session.timeout.ms",
    "group.consumer.heartbeat.interval.ms",
    "group.consumer.min.heartbeat.interval.ms",
    "group.consumer.max.heartbeat.interval.ms",
    "group.consumer.max.size",
    "group.consumer.assignors",
    NEW_MEMBER_JOIN_TIMEOUT_KNOB,
];

/// Simulation-only broker knob: how long a new member's parked JoinGroup may wait. Kafka has **no such
/// config**: the classic group coordinator hard-codes this at 5 minutes
/// (`GroupCoordinatorConfig.CLASSIC_GROUP_NEW_MEMBER_JOIN_TIMEOUT_MS` = 300000); the knob exists only so
/// scenarios can shorten it.
pub const NEW_MEMBER_JOIN_TIMEOUT_KNOB: &str = "sim.classic.new.member.join.timeout.ms";

/// The name earlier versions of this lab accepted for [`NEW_MEMBER_JOIN_TIMEOUT_KNOB`]; still accepted,
/// but it is not a Kafka config either.
pub const NEW_MEMBER_JOIN_TIMEOUT_KNOB_OLD_NAME: &str = "group.classic.new.member.join.timeout.ms";

/// Settings that describe the simulated application rather than the Kafka client: they may change while
/// a consumer runs. Every other setting is read once, when the `KafkaConsumer` is constructed.
pub const SIMULATION_ONLY_NAMES: &[&str] = &[
    "poll.timeout.ms",
    "processing.time.ms",
    "processing.time.per.record.ms",
    "manual.commit",
];

/// Every setting Kafka 4.1's `ConsumerConfig` defines (its `ConfigDef`), besides the `ssl.` and `sasl.`
/// families. A name outside this list (and those families) is one a real `KafkaConsumer` does not
/// know: it starts anyway and only logs it as supplied but not used.
pub const KAFKA_CONSUMER_CONFIG_NAMES: &[&str] = &[
    "allow.auto.create.topics",
    "auto.commit.interval.ms",
    "auto.offset.reset",
    "bootstrap.servers",
    "check.crcs",
    "client.dns.lookup",
    "client.id",
    "client.rack",
    "connections.max.idle.ms",
    "default.api.timeout.ms",
    "enable.auto.commit",
    "enable.metrics.push",
    "exclude.internal.topics",
    "fetch.max.bytes",
    "fetch.max.wait.ms",
    "fetch.min.bytes",
    "group.id",
    "group.instance.id",
    "group.protocol",
    "group.remote.assignor",
    "heartbeat.interval.ms",
    "interceptor.classes",
    "internal.leave.group.on.close",
    "internal.throw.on.fetch.stable.offset.unsupported",
    "isolation.level",
    "key.deserializer",
    "max.partition.fetch.bytes",
    "max.poll.interval.ms",
    "max.poll.records",
    "metadata.max.age.ms",
    "metadata.recovery.rebootstrap.trigger.ms",
    "metadata.recovery.strategy",
    "metric.reporters",
    "metrics.num.samples",
    "metrics.recording.level",
    "metrics.sample.window.ms",
    "partition.assignment.strategy",
    "receive.buffer.bytes",
    "reconnect.backoff.max.ms",
    "reconnect.backoff.ms",
    "request.timeout.ms",
    "retry.backoff.max.ms",
    "retry.backoff.ms",
    "security.protocol",
    "security.providers",
    "send.buffer.bytes",
    "session.timeout.ms",
    "share.acknowledgement.mode",
    "socket.connection.setup.timeout.max.ms",
    "socket.connection.setup.timeout.ms",
    "value.deserializer",
];

/// Whether Kafka's consumer defines `name` (see [`KAFKA_CONSUMER_CONFIG_NAMES`]).
pub fn kafka_consumer_defines(name: &str) -> bool {
    KAFKA_CONSUMER_CONFIG_NAMES.contains(&name)
        || name.starts_with("ssl.")
        || name.starts_with("sasl.")
}
