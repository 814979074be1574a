// Reference for cold start: a minimal NestJS app (one controller, no database, no guard).
// Written as plain ESM, so the decorators are applied by hand.
import 'reflect-metadata';
import { Controller, Get, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

class PetsController {
  get(id) {
    return { id, name: 'Rex', species: 'dog', age: 3, status: 'available' };
  }
}
Controller('pets')(PetsController);
const get = Object.getOwnPropertyDescriptor(PetsController.prototype, 'get');
Get(':id')(PetsController.prototype, 'get', get);
Param('id')(PetsController.prototype, 'get', 0);

class AppModule {}
Module({ controllers: [PetsController] })(AppModule);

const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
await app.listen(Number(process.env.PORT), '127.0.0.1');
