import { Matches, registerDecorator, ValidateIf, ValidationOptions } from 'class-validator';
import { ALL_SCOPES, parseScopeString } from '../../auth/scopes';

/**
 * Optional but never null. `@IsOptional()` lets null through unvalidated, and null would
 * clear a column that must hold a value (a 500 from the database instead of a 400).
 */
export function IsOmittable(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

/**
 * No C0 control characters or DEL: PostgreSQL refuses a NUL in text (a 500 instead of a
 * 400), and the others have no business in a name, an audience or a URL.
 */
export function HasNoControlCharacters(): PropertyDecorator {
  // eslint-disable-next-line no-control-regex
  return Matches(/^[^\x00-\x1f\x7f]*$/, {
    message: ({ property }) => `${property} must not contain control characters`,
  });
}

/**
 * A non-empty space-separated list of known scopes (clients may hold the event scope, for
 * token exchange).
 */
export function IsClientScope(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isClientScope',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: `scope must be one or more space-separated scopes among: ${ALL_SCOPES.join(', ')}`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          value.length <= 512 &&
          parseScopeString(value).length > 0 &&
          parseScopeString(value).every((s) => (ALL_SCOPES as readonly string[]).includes(s)),
      },
    });
  };
}
