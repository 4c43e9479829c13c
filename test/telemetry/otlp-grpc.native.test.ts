// OTLP/grpc metrics export on the native backend (see otlp.ts).
import { describe } from 'vitest';
import { otlpExport } from './otlp';

describe('Runtime.install with OTLP/grpc (native)', () => otlpExport('native', 'grpc'));
