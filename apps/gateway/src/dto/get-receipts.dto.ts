import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

/** POST /getReceipts */
export class GetReceiptsDto {
  @ApiProperty({ description: 'Hub DocId of a package the caller sent or received', format: 'uuid' })
  @IsUUID()
  docId: string;

  @ApiPropertyOptional({ description: "One of the caller's agencies (all of them when absent)" })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  agency?: string;
}
