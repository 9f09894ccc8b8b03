// Signal names as docker takes them (KILL, SIGKILL, 9) → numbers.
import { constants } from 'node:os';
import { invalidParameter } from '../../api/types/errors.ts';

export function signalNumber(signal: string | number): number {
  if (typeof signal === 'number' || /^\d+$/.test(signal)) {
    const n = Number(signal);
    if (n < 1 || n > 64) throw invalidParameter(`Invalid signal: ${signal}`);
    return n;
  }
  const name = signal.toUpperCase().startsWith('SIG') ? signal.toUpperCase() : `SIG${signal.toUpperCase()}`;
  const n = (constants.signals as Record<string, number>)[name];
  if (n === undefined) throw invalidParameter(`Invalid signal: ${signal}`);
  return n;
}
