/**
 * What the broker and the {@code credbroker} command share: config binding (with an offline
 * mode), policy, the audit record format and the tools that read audit files. It reads no gRPC,
 * no AWS SDK and no logging backend: the compiler refuses them here, since this module does not
 * require them.
 */
module dev.credbroker.core {
  requires com.nimbusds.jose.jwt;
  requires org.snakeyaml.engine.v2;

  exports dev.credbroker.core.audit;
  exports dev.credbroker.core.config;
  exports dev.credbroker.core.digest;
  exports dev.credbroker.core.limits;
  exports dev.credbroker.core.model;
  exports dev.credbroker.core.policy;
  exports dev.credbroker.core.revocation;
  exports dev.credbroker.core.text;
}
