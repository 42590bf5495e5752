export { Data } from './data.js'
export type { DataDeps } from './deps.js'
export { dataMigrations } from './migrations.js'
export { COLUMN_TYPES, type ColumnType, type ColumnInfo } from './column-type.js'
export { DATA_FORMATS, formatOfPath, parseFormat, type DataFormat } from './data-format.js'
export { ContractBody, type Contract, type ContractInput, type ColumnSpec } from './contract.js'
export { defineContract, column, ContractBuilder, ColumnBuilder } from './contract-builder.js'
export { parseContract, parseContractText, loadContractFile } from './parse-contract.js'
export { diffContracts, type ContractChange, type ContractDiff } from './contract-diff.js'
export type { StoredContract, ContractSummary } from './contract-service.js'
export type { DatasetVersion, DatasetSummary } from './dataset-version.js'
export type { AddDataset, LocalData } from './dataset-service.js'
export type { ValidateInput, ValidationReportSummary } from './validation-service.js'
export type {
  ExpectationKind,
  ExpectationResult,
  ValidationReport,
  StoredValidationReport,
} from './validation-report.js'
export type { DatasetProfile, ColumnProfile, ProfileKind } from './profile/dataset-profile.js'
export type { DataSide, DriftReport } from './profile-service.js'
export { storedInput, type DataInput } from './data-input.js'
export type { ColumnDrift, DriftOptions, ProfileDrift } from './drift/drift-profiles.js'
export { columnSource } from './drift/drift-profiles.js'
export { parseVersionRef, formatVersionRef, type VersionRef } from './version-ref.js'
export type { JsonValue } from './json-value.js'
export { summarizeColumn, type ColumnSummary } from './profile/column-summary.js'
export { driftHtml } from './report/drift-html.js'
export { profileHtml } from './report/profile-html.js'
