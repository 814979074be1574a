import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_KEY = 'signet:isPublic';

/** The route needs no access token (deny by default everywhere else). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);
