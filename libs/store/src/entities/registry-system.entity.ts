import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('registry_system')
export class RegistrySystemEntity {
  @PrimaryColumn({ name: 'system_id', type: 'text' }) systemId: string;
  @Column({ type: 'text' }) name: string;
  /** AES-256-GCM ciphertext of the HMAC secret (never stored in clear). */
  @Column({ name: 'secret_enc', type: 'text' }) secretEnc: string;
  /** system: acts for its agencies; archivist: read-only, no agencies. */
  @Column({ type: 'text', default: 'system' }) role: 'system' | 'archivist';
  /** How it may authenticate: hmac (DX1 signature), mtls (TLS client certificate) or any. */
  @Column({ type: 'text', default: 'any' }) auth: 'hmac' | 'mtls' | 'any';
  /** Package signature policy for what it sends; axis = the axis's own (DOCAXIS_SIGNATURE_POLICY). */
  @Column({ name: 'signature_policy', type: 'text', default: 'axis' })
  signaturePolicy: 'axis' | 'required' | 'if-present' | 'report' | 'off';
  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
