import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('registry_agency')
export class RegistryAgencyEntity {
  @PrimaryColumn({ name: 'organ_id', type: 'text' }) organId: string;
  @Column({ name: 'code_2020', type: 'text', nullable: true }) code2020: string | null;
  @Column({ type: 'text' }) name: string;
  @Column({ name: 'parent_organ_id', type: 'text', nullable: true }) parentOrganId: string | null;
  @Column({ name: 'axis_organ_id', type: 'text', nullable: true }) axisOrganId: string | null;
  @Column({ name: 'system_id', type: 'text', nullable: true }) systemId: string | null;
  @Column({ type: 'text', nullable: true }) email: string | null;
  @Column({ type: 'boolean', default: false }) deleted: boolean;
  /** Registry version at which the row last changed (bigint comes back as string). */
  @Column({ type: 'bigint' }) version: string;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
