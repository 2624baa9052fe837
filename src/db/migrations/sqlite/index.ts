// Generated list: scripts/generate-migration.ts appends each new migration here.
import { Initial1795304034000 } from './1795304034000-Initial';
export const SQLITE_MIGRATIONS: Function[] = [Initial1795304034000];
