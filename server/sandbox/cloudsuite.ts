// PLACEHOLDER: replaced by the cloudsuite simulator (issue 3).
import express from 'express';
import type { SimulatorApi } from './simulator.ts';

export function createCloudsuiteSimulator(): SimulatorApi {
  return { router: express.Router(), reset() {} };
}

export const cloudsuiteSandboxFlow = { basePath: '/', flowSettings: () => ({}) };
