import { Injectable, PipeTransform } from '@nestjs/common';
import { DomainError } from './errors/domain-error';

/** For POST routes that take no parameters: any field in the body is unknown (400, like every DTO). */
@Injectable()
export class NoParametersPipe implements PipeTransform {
  transform(value: unknown): undefined {
    const first = value !== null && typeof value === 'object' ? Object.keys(value)[0] : undefined;
    if (first !== undefined) throw new DomainError('parameter_unknown', `Received unknown parameter: ${first}`, first);
    return undefined;
  }
}
