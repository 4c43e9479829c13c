// OTLP/grpc metrics export on the neon backend (see otlp.ts).
import { describe } from 'vitest';
import { otlpExport } from './otlp';

describe('Runtime.install with OTLP/grpc (neon)', () => otlpExport('neon', 'grpc'));
