// PLACEHOLDER: replaced by the hectare simulator (issue 3).
import express from 'express';
import type { SimulatorApi } from './simulator.ts';

export function createHectareSimulator(): SimulatorApi {
  return { router: express.Router(), reset() {} };
}

export const hectareSandboxFlow = { basePath: '/', flowSettings: () => ({}) };
