/** The contract's coded break-glass reasons in words; typed over the contract's list so none is missed. */
import type { BREAK_GLASS_REASONS } from '@medrec/contract';

export type BreakGlassReason = (typeof BREAK_GLASS_REASONS)[number];

export const BREAK_GLASS_REASON_WORDS: Readonly<Record<BreakGlassReason, string>> = {
  'life-threatening-emergency': 'Life-threatening emergency',
  'patient-unconscious': 'Patient unconscious',
  'patient-unable-to-consent': 'Patient unable to consent',
  'urgent-continuity-of-care': 'Urgent continuity of care',
};
