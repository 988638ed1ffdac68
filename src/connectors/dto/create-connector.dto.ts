import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsObject, IsOptional, IsString, Matches, ValidateNested } from 'class-validator';
import { IsCountryCode } from '../../payer-country/is-country-code.validator';
import { PAYMENT_METHOD_TYPES } from '../connector.model';
import { ConnectorProfileDto } from './connector-profile.dto';

export class CreateConnectorDto {
  @ApiProperty({ example: 'acme_bank', description: 'Lower case letters, digits and _, 2-40 characters, starting with a letter; not a built-in id.' })
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{1,39}$/, { message: 'id must be 2-40 lower case letters, digits or _, starting with a letter' })
  id: string;

  @ApiProperty({ example: ['card'], enum: PAYMENT_METHOD_TYPES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(PAYMENT_METHOD_TYPES.length)
  @IsIn(PAYMENT_METHOD_TYPES, { each: true })
  methods: string[];

  @ApiPropertyOptional({ example: ['EUR', 'USD'], type: [String], nullable: true, description: 'ISO 4217 codes; omitted or null = all currencies.' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @Matches(/^[A-Za-z]{3}$/, { each: true, message: 'currencies must be three-letter ISO 4217 codes' })
  currencies?: string[] | null;

  @ApiPropertyOptional({ example: ['DE', 'FR'], type: [String], nullable: true, description: 'ISO alpha-2 payer countries; omitted or null = all countries.' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(300)
  @IsCountryCode({ each: true, message: 'countries must be ISO 3166-1 alpha-2 country codes such as DE' })
  countries?: string[] | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ type: ConnectorProfileDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ConnectorProfileDto)
  profile?: ConnectorProfileDto;
}

export class UpdateConnectorDto {
  @ApiPropertyOptional({ example: false, description: 'A disabled connector is never routed to.' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ type: ConnectorProfileDto, description: 'Merged into the current profile.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ConnectorProfileDto)
  profile?: ConnectorProfileDto;
}
