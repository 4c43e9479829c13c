'use strict';
// Workflow interceptor module (bundled with the workflows): reads the tenant header the client set,
// and stamps it on every activity the workflow schedules.
const { defaultPayloadConverter } = require('@temporalio/common');

let tenant;

class TenantInbound {
  async execute(input, next) {
    const header = input.headers.tenant;
    tenant = header ? defaultPayloadConverter.fromPayload(header) : 'none';
    return next(input);
  }
}

class TenantOutbound {
  async scheduleActivity(input, next) {
    return next({ ...input, headers: { ...input.headers, tenant: defaultPayloadConverter.toPayload(tenant) } });
  }
}

exports.interceptors = () => ({ inbound: [new TenantInbound()], outbound: [new TenantOutbound()] });
