// Tracing with @temporalio/interceptors-opentelemetry on the neon backend (see tracing.ts).
import { describe } from 'vitest';
import { oneTraceFromClientToActivity } from './tracing';

describe('OpenTelemetry tracing (neon)', () => oneTraceFromClientToActivity('neon'));
