/** Messages between the pool supervisor (main thread) and a pool worker (thread or process). */
import type { Info } from '../../../activity/info';
import type { LogLevel, LogMetadata } from '../../logger';
import type { ProtoFailure } from '../../../converter/types';

export type ToPoolWorker =
  | { t: 'run'; jobId: number; type: string; args: unknown[]; info: Info }
  | { t: 'cancel'; jobId: number; reason: string; details: unknown }
  | { t: 'stats' }
  | { t: 'stop' };

export type FromPoolWorker =
  | { t: 'ready'; names: string[]; memory: number }
  | { t: 'loadError'; message: string }
  | { t: 'stats'; memory: number }
  | { t: 'heartbeat'; jobId: number; details: unknown }
  | { t: 'log'; jobId: number; level: LogLevel; message: string; meta?: LogMetadata }
  | { t: 'done'; jobId: number; ok: true; value: unknown; memory: number }
  | { t: 'done'; jobId: number; ok: false; failure?: ProtoFailure; completeAsync?: boolean; memory: number };
