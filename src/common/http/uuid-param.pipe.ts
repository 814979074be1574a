import { Injectable, PipeTransform } from '@nestjs/common';
import { NotFoundError } from '../errors/signet.errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An id that is not a UUID names nothing that exists: 404, like any unknown id
 * (and PostgreSQL never sees a value its uuid type would reject).
 */
@Injectable()
export class UuidParamPipe implements PipeTransform<string, string> {
  constructor(private readonly what: string) {}

  transform(value: string): string {
    if (!UUID.test(value)) {
      throw new NotFoundError(this.what);
    }
    return value.toLowerCase();
  }
}
