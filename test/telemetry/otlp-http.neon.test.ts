// OTLP/http metrics export on the neon backend (see otlp.ts).
import { describe } from 'vitest';
import { otlpExport } from './otlp';

describe('Runtime.install with OTLP/http (neon)', () => otlpExport('neon', 'http'));
