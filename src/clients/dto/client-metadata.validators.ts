import { registerDecorator, ValidationOptions } from 'class-validator';
import { ALL_SCOPES, parseScopeString } from '../../auth/scopes';

/** A space-separated list of known scopes (clients may hold the event scope, for token exchange). */
export function IsClientScope(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isClientScope',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: `scope must be space-separated scopes among: ${ALL_SCOPES.join(', ')}`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          value.length <= 512 &&
          parseScopeString(value).every((s) => (ALL_SCOPES as readonly string[]).includes(s)),
      },
    });
  };
}
