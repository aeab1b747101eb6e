export * from './fhir-errors';
export * from './content-hash';
export * from './supported-resources';
export { loadFhirR4Definitions } from './structure-validation';
export { fhirIssuesOf, validateFhirResource } from './validate-resource';
export { toRecordContent, type RecordContent } from './record-content';
