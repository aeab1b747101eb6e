/**
 * Small curated tables of real codes for synthetic records, so demos and trend queries exercise real code systems.
 * Drug codes are RxNorm clinical drugs (SCD) or ingredients (IN); observation units are UCUM; ranges are plausible
 * adult values, not reference ranges.
 */

export const CODE_SYSTEMS = {
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  loinc: 'http://loinc.org',
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  cvx: 'http://hl7.org/fhir/sid/cvx',
  snomed: 'http://snomed.info/sct',
  ucum: 'http://unitsofmeasure.org',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  allergyClinical: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
  allergyVerification: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
  diagnosticServiceSection: 'http://terminology.hl7.org/CodeSystem/v2-0074',
} as const;

export interface CodeEntry {
  readonly code: string;
  readonly display: string;
}

/** ICD-10-CM diagnoses common in primary care. */
export const CONDITIONS: readonly CodeEntry[] = [
  { code: 'E11.9', display: 'Type 2 diabetes mellitus without complications' },
  { code: 'I10', display: 'Essential (primary) hypertension' },
  { code: 'E78.5', display: 'Hyperlipidemia, unspecified' },
  { code: 'J45.909', display: 'Unspecified asthma, uncomplicated' },
  { code: 'F32.9', display: 'Major depressive disorder, single episode, unspecified' },
  { code: 'M54.50', display: 'Low back pain, unspecified' },
  { code: 'J06.9', display: 'Acute upper respiratory infection, unspecified' },
  { code: 'N39.0', display: 'Urinary tract infection, site not specified' },
  { code: 'E03.9', display: 'Hypothyroidism, unspecified' },
  { code: 'K21.9', display: 'Gastro-esophageal reflux disease without esophagitis' },
  { code: 'D50.9', display: 'Iron deficiency anemia, unspecified' },
  { code: 'I48.91', display: 'Unspecified atrial fibrillation' },
];

export interface ObservationEntry extends CodeEntry {
  readonly category: 'laboratory' | 'vital-signs';
  /** UCUM unit code (also used as the display unit). */
  readonly unit: string;
  /** Value range in tenths of the unit (integers keep generation exact), and decimals shown. */
  readonly minTenths: number;
  readonly maxTenths: number;
}

/** Serum iron (LOINC 2498-4, ug/dL): the measurement MedRec's trend-analysis example averages week by week. */
export const SERUM_IRON: ObservationEntry = {
  code: '2498-4',
  display: 'Iron [Mass/volume] in Serum or Plasma',
  category: 'laboratory',
  unit: 'ug/dL',
  minTenths: 400,
  maxTenths: 1800,
};

/** LOINC observations drawn for random records (serum iron among them). Order fixes the draw, keep it stable. */
export const OBSERVATIONS: readonly ObservationEntry[] = [
  {
    code: '2345-7',
    display: 'Glucose [Mass/volume] in Serum or Plasma',
    category: 'laboratory',
    unit: 'mg/dL',
    minTenths: 700,
    maxTenths: 1800,
  },
  {
    code: '4548-4',
    display: 'Hemoglobin A1c/Hemoglobin.total in Blood',
    category: 'laboratory',
    unit: '%',
    minTenths: 45,
    maxTenths: 100,
  },
  {
    code: '2093-3',
    display: 'Cholesterol [Mass/volume] in Serum or Plasma',
    category: 'laboratory',
    unit: 'mg/dL',
    minTenths: 1400,
    maxTenths: 2800,
  },
  {
    code: '718-7',
    display: 'Hemoglobin [Mass/volume] in Blood',
    category: 'laboratory',
    unit: 'g/dL',
    minTenths: 100,
    maxTenths: 170,
  },
  SERUM_IRON,
  {
    code: '2160-0',
    display: 'Creatinine [Mass/volume] in Serum or Plasma',
    category: 'laboratory',
    unit: 'mg/dL',
    minTenths: 5,
    maxTenths: 15,
  },
  {
    code: '8480-6',
    display: 'Systolic blood pressure',
    category: 'vital-signs',
    unit: 'mm[Hg]',
    minTenths: 1000,
    maxTenths: 1700,
  },
  {
    code: '8462-4',
    display: 'Diastolic blood pressure',
    category: 'vital-signs',
    unit: 'mm[Hg]',
    minTenths: 600,
    maxTenths: 1000,
  },
  { code: '8867-4', display: 'Heart rate', category: 'vital-signs', unit: '/min', minTenths: 550, maxTenths: 1100 },
  { code: '29463-7', display: 'Body weight', category: 'vital-signs', unit: 'kg', minTenths: 450, maxTenths: 1200 },
  { code: '8302-2', display: 'Body height', category: 'vital-signs', unit: 'cm', minTenths: 1500, maxTenths: 1950 },
];

/** RxNorm clinical drugs (SCD). */
export const MEDICATIONS: readonly CodeEntry[] = [
  { code: '860975', display: '24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet' },
  { code: '314076', display: 'lisinopril 10 MG Oral Tablet' },
  { code: '197361', display: 'amlodipine 5 MG Oral Tablet' },
  { code: '312961', display: 'simvastatin 20 MG Oral Tablet' },
  { code: '259255', display: 'atorvastatin 80 MG Oral Tablet' },
  { code: '895994', display: '120 ACTUAT fluticasone propionate 0.044 MG/ACTUAT Metered Dose Inhaler' },
  { code: '745679', display: '200 ACTUAT albuterol 0.09 MG/ACTUAT Metered Dose Inhaler' },
  { code: '313782', display: 'acetaminophen 325 MG Oral Tablet' },
  { code: '310965', display: 'ibuprofen 200 MG Oral Tablet' },
  { code: '966222', display: 'levothyroxine sodium 0.075 MG Oral Tablet' },
  { code: '310798', display: 'hydrochlorothiazide 25 MG Oral Tablet' },
  { code: '309362', display: 'clopidogrel 75 MG Oral Tablet' },
];

/** RxNorm ingredients (IN) that commonly cause drug allergies. */
export const ALLERGENS: readonly CodeEntry[] = [
  { code: '7980', display: 'penicillin G' },
  { code: '723', display: 'amoxicillin' },
  { code: '1191', display: 'aspirin' },
  { code: '2670', display: 'codeine' },
  { code: '5640', display: 'ibuprofen' },
  { code: '2551', display: 'ciprofloxacin' },
];

/** SNOMED CT clinical findings used as allergy reaction manifestations. */
export const REACTIONS: readonly CodeEntry[] = [
  { code: '271807003', display: 'Eruption of skin' },
  { code: '247472004', display: 'Wheal' },
  { code: '39579001', display: 'Anaphylaxis' },
];

/** CVX vaccine codes (CDC). */
export const VACCINES: readonly CodeEntry[] = [
  { code: '140', display: 'Influenza, seasonal, injectable, preservative free' },
  { code: '208', display: 'COVID-19, mRNA, LNP-S, PF, 30 mcg/0.3 mL dose' },
  { code: '115', display: 'Tdap' },
  { code: '113', display: 'Td (adult), 5 Lf tetanus toxoid, preservative free, adsorbed' },
  { code: '133', display: 'Pneumococcal conjugate PCV 13' },
  { code: '33', display: 'pneumococcal polysaccharide PPV23' },
  { code: '43', display: 'Hep B, adult' },
  { code: '187', display: 'zoster vaccine recombinant' },
];

/** LOINC laboratory panels reported as DiagnosticReports. */
export const REPORT_PANELS: readonly CodeEntry[] = [
  { code: '58410-2', display: 'CBC panel - Blood by Automated count' },
  { code: '24323-8', display: 'Comprehensive metabolic 2000 panel - Serum or Plasma' },
  { code: '51990-0', display: 'Basic metabolic panel - Blood' },
  { code: '57698-3', display: 'Lipid panel with direct LDL - Serum or Plasma' },
  { code: '24357-6', display: 'Urinalysis macro (dipstick) panel - Urine' },
];

/** LOINC clinical document types for DocumentReferences. */
export const DOCUMENT_TYPES: readonly CodeEntry[] = [
  { code: '18842-5', display: 'Discharge summary' },
  { code: '11488-4', display: 'Consult note' },
  { code: '34117-2', display: 'History and physical note' },
  { code: '11506-3', display: 'Progress note' },
  { code: '57133-1', display: 'Referral note' },
];

/** Invented names for synthetic people; they appear only inside FHIR content, never on the ledger. */
export const GIVEN_NAMES: readonly string[] = [
  'Ada',
  'Ben',
  'Chloe',
  'Dev',
  'Elena',
  'Femi',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Kira',
  'Luca',
  'Maya',
  'Nils',
  'Omar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sami',
  'Tara',
];

export const FAMILY_NAMES: readonly string[] = [
  'Abbott',
  'Brandt',
  'Castillo',
  'Dufresne',
  'Eriksen',
  'Fontaine',
  'Garcia',
  'Haddad',
  'Ivanova',
  'Jensen',
  'Kowalski',
  'Lindqvist',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Petrov',
  'Quist',
  'Rossi',
  'Schmidt',
  'Tanaka',
];
