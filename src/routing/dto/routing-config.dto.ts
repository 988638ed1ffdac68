import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsAmount } from '../../common/money';
import { PAYMENT_METHOD_TYPES } from '../../connectors/connector.model';
import { IsCountryCode } from '../../payer-country/is-country-code.validator';

const MAX_LIST = 300;

export class RuleConditionsDto {
  @ApiPropertyOptional({ example: ['EUR', 'GBP'], description: 'Any of these currencies (ISO 4217)' })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_LIST)
  @Matches(/^[A-Za-z]{3}$/, { each: true, message: 'currency must list three-letter ISO 4217 codes' })
  currency?: string[];

  @ApiPropertyOptional({ example: ['DE', 'FR'], description: 'Any of these payer countries (ISO alpha-2); an unknown payer country matches none' })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_LIST)
  @IsCountryCode({ each: true, message: 'country must list ISO 3166-1 alpha-2 codes such as DE' })
  country?: string[];

  @ApiPropertyOptional({ example: ['card'], enum: PAYMENT_METHOD_TYPES, isArray: true })
  @IsOptional() @IsArray() @ArrayMinSize(1) @IsIn(PAYMENT_METHOD_TYPES, { each: true })
  method?: string[];

  @ApiPropertyOptional({ example: ['visa', 'mastercard'] })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20)
  @IsIn(['visa', 'mastercard', 'amex', 'discover', 'jcb', 'diners', 'unionpay', 'unknown'], { each: true })
  card_brand?: string[];

  @ApiPropertyOptional({ example: 100000, description: 'amount ≥ this (minor units)' })
  @IsOptional() @IsAmount()
  amount_gte?: number;

  @ApiPropertyOptional({ example: 500000, description: 'amount < this (minor units)' })
  @IsOptional() @IsAmount()
  amount_lt?: number;
}

export class SplitDto {
  @ApiProperty({ example: 'adyen_sim' })
  @IsString() @MaxLength(40)
  connector: string;

  @ApiProperty({ example: 70, minimum: 1, maximum: 100 })
  @IsInt() @Min(1) @Max(100)
  percent: number;
}

export class RuleActionDto {
  @ApiProperty({ enum: ['priority', 'volume_split'] })
  @IsIn(['priority', 'volume_split'])
  type: 'priority' | 'volume_split';

  @ApiPropertyOptional({ example: ['adyen_sim', 'stripe_sim'], description: 'priority: try in this order' })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) @MaxLength(40, { each: true })
  connectors?: string[];

  @ApiPropertyOptional({ type: [SplitDto], description: 'volume_split: integer percents summing to 100; by hash of the payment id' })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => SplitDto)
  splits?: SplitDto[];
}

export class RoutingRuleDto {
  @ApiProperty({ type: RuleConditionsDto, description: 'All given conditions must hold; {} matches every payment' })
  @IsObject() @ValidateNested() @Type(() => RuleConditionsDto)
  if: RuleConditionsDto;

  @ApiProperty({ type: RuleActionDto })
  @IsObject() @ValidateNested() @Type(() => RuleActionDto)
  then: RuleActionDto;
}

export class PutRoutingDto {
  @ApiProperty({ type: [RoutingRuleDto], description: 'Evaluated in order; the first match decides' })
  @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => RoutingRuleDto)
  rules: RoutingRuleDto[];

  @ApiProperty({ example: ['adyen_sim', 'stripe_sim'], description: 'When no rule matches' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20) @IsString({ each: true }) @MaxLength(40, { each: true })
  default: string[];

  @ApiPropertyOptional({ example: 3, minimum: 1, maximum: 5, default: 3 })
  @IsOptional() @IsInt() @Min(1) @Max(5)
  max_attempts?: number;
}
