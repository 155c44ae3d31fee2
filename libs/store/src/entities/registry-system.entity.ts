import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('registry_system')
export class RegistrySystemEntity {
  @PrimaryColumn({ name: 'system_id', type: 'text' }) systemId: string;
  @Column({ type: 'text' }) name: string;
  /** AES-256-GCM ciphertext of the HMAC secret (never stored in clear). */
  @Column({ name: 'secret_enc', type: 'text' }) secretEnc: string;
  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
