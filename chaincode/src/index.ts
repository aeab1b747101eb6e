import 'reflect-metadata';
import { AccessContract } from './access/access-contract';
import { AuditContract } from './audit/audit-contract';
import { guardLibraryLogLevels } from './common/shim-logging';
import { ConsentContract } from './consent/consent-contract';
import { HealthContract } from './health/health-contract';
import { IncentiveContract } from './incentive/incentive-contract';
import { RecordsContract } from './records/records-contract';
import { RegistrarContract } from './registrar/registrar-contract';
import { SummaryContract } from './summary/summary-contract';
import { TrendsContract } from './trends/trends-contract';

// Before any transaction: the libraries' loggers stop formatting the messages their level drops.
guardLibraryLogLevels();

/** Every contract of the MedRec chaincode; fabric-chaincode-node reads this list through chaincode/package.json. */
export const contracts = [
  HealthContract,
  RegistrarContract,
  RecordsContract,
  ConsentContract,
  AccessContract,
  SummaryContract,
  AuditContract,
  IncentiveContract,
  TrendsContract,
];
