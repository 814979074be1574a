import { ValidationOptions, registerDecorator } from 'class-validator';
import { HTTP_SCOPES, parseScopeString } from '../../auth/scopes';

/** A space-separated list of scopes a user may hold (never the event-only scope). */
export function IsScopeString(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isScopeString',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: `${String(propertyName)} must be space-separated scopes among: ${HTTP_SCOPES.join(', ')}`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          value.length <= 512 &&
          parseScopeString(value).every((s) => (HTTP_SCOPES as readonly string[]).includes(s)),
      },
    });
  };
}
