// Tracing with @temporalio/interceptors-opentelemetry on the native backend (see tracing.ts).
import { describe } from 'vitest';
import { oneTraceFromClientToActivity } from './tracing';

describe('OpenTelemetry tracing (native)', () => oneTraceFromClientToActivity('native'));
