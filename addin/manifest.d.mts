/** Types of manifest.mjs (plain JavaScript so `node addin/manifest.mjs` runs without a build step). */
export interface DeploymentSettings {
  /** The pane's https origin, e.g. https://thidua.example.gov.vn. */
  pane: string;
  /** The Worker's https origin, listed in AppDomains. */
  api?: string;
  /** Defaults to the pane's origin. */
  support?: string;
  appDomains?: string[];
  /** n.n.n.n; "1.0.0.0" by default. */
  version?: string;
  /** A GUID; derived from the pane origin by default. */
  id?: string;
}
export function deploymentId(name: string): string;
export function deploymentManifest(template: string, settings: DeploymentSettings): string;
