import 'reflect-metadata';
import { HealthContract } from './health/health-contract';

/** Every contract of the MedRec chaincode; fabric-chaincode-node reads this list through chaincode/package.json. */
export const contracts = [HealthContract];
