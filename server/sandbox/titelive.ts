// PLACEHOLDER: replaced by the titelive simulator (issue 3).
import express from 'express';
import type { SimulatorApi } from './simulator.ts';

export function createTiteliveSimulator(): SimulatorApi {
  return { router: express.Router(), reset() {} };
}

export const titeliveSandboxFlow = { basePath: '/', flowSettings: () => ({}) };
