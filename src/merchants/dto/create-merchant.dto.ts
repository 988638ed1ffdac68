import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class CreateMerchantDto {
  @ApiProperty({ example: 'Acme QA', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ example: 'qa@acme.test' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;
}
